export function workerCount(databaseUrl: string | undefined, webConcurrency: string | undefined, cores: number): number;
