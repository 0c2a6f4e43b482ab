/** Engine version, written into model packages and shown in the app. Keep in step with package.json. */
export const engineVersion = '0.1.0';
