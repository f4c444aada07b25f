// Read once from package.json so the welcome message and logs never drift from releases.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = (require('../package.json') as { version: string }).version;
