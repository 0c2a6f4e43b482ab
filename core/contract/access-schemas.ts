import { z } from 'zod';

/** Local roles (core/engine/site-policy.ts): every account reads; trainers also fine-tune and evaluate; admins also choose the default model and remove records. */
export const siteRoles = ['reader', 'trainer', 'admin'] as const;
export const SiteRoleSchema = z.enum(siteRoles);
export type SiteRole = z.infer<typeof SiteRoleSchema>;

/** The operating-system account the engine runs as, its roles, and the policy they came from. */
export const SiteAccessInfoSchema = z.object({
  account: z.string(),
  roles: z.array(SiteRoleSchema),
  /** none: no policy file, every account has every role; invalid: the file could not be read, every account only reads. */
  policy: z.object({ state: z.enum(['none', 'loaded', 'invalid']), file: z.string(), error: z.string().optional() }),
});
export type SiteAccessInfo = z.infer<typeof SiteAccessInfoSchema>;
