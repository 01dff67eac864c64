export const COLLECTION_PATH: string;
export const ENVIRONMENT_PATH: string;
export function generatePostman(options?: { root?: string }): Promise<Map<string, string>>;
export function findPostmanDrift(
  files: Map<string, string>,
  options?: { root?: string },
): Promise<Array<{ path: string; problem: 'differs' | 'missing' }>>;
