import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the real CLI (`src/cli.ts`) in a child process with exactly the given environment. */
export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): ChildProcess & { result: Promise<CliResult> } {
  return startScript(path.join(ROOT, 'src/cli.ts'), args, env, stdin);
}

/** Any TypeScript entry point under src/ (the CLI, tools) in a child process with exactly the given environment. */
export function startScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'swc-register.js'), script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  if (stdin !== undefined) child.stdin!.end(stdin);
  else child.stdin!.end();
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return Object.assign(child, { result });
}

export function runCli(args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<CliResult> {
  return startCli(args, env, stdin).result;
}
