// `npm run ecg -- …` (package.json): the CLI from source, in the folder npm was called from
// (npm-caller.ts), so that relative paths mean what they say there. tsx is loaded here, beside
// this file, rather than by `node --import tsx`: a worker thread resolves the process's --import
// modules again from the working folder, where tsx is not found once that is outside the
// repository ("Cannot find package 'tsx' imported from …"); the workers register tsx themselves.
await import('tsx');
const { enterNpmCallerFolder } = await import('./npm-caller.ts');
if (enterNpmCallerFolder('ecg')) await import('./main.ts');
else process.exitCode = 1;
