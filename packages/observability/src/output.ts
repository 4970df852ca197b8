/**
 * Where the logger and the metrics write by default: a line on stdout, where CloudWatch Logs collects it (Lambda, ECS,
 * EKS, the EC2 agent). A process that collects its own lines instead (`npm start`, which hands EMF documents to its
 * metrics sink and prints logs readably) routes them here once, before its handlers log anything.
 */
let route: ((line: string) => void) | undefined;

export function writeStdoutLine(line: string): void {
  if (route) route(line);
  else process.stdout.write(line + "\n");
}

/** Sends every default-output line of this process to `to` instead of stdout; `undefined` restores stdout. */
export function routeStdoutLines(to: ((line: string) => void) | undefined): void {
  route = to;
}
