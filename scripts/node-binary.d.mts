// Types for scripts/node-binary.mjs, so that TypeScript tests can import it.

/** The path of a real Node binary of this major version (this process's own, else `npx -y node@<major>`'s). */
export function nodeBinary(major: number): Promise<string>;
