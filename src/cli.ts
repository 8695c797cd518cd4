// Command-line arguments: -c/--conf FILE, --help, --version.
export interface CliArgs {
  readonly config?: string;
  readonly help: boolean;
  readonly version: boolean;
}

export class CliError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  let config: string | undefined;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '--conf' || a === '--config') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('-')) throw new CliError(`${a} needs a file name`);
      config = v;
    } else if (a.startsWith('--conf=') || a.startsWith('--config=')) {
      config = a.slice(a.indexOf('=') + 1);
    } else if (a === '-h' || a === '--help') help = true;
    else if (a === '-v' || a === '--version') version = true;
    else throw new CliError(`unknown argument: ${a}`);
  }
  return { config, help, version };
}

export const HELP = `Usage: node dist/server.js [-c FILE | --conf FILE] [--help] [--version]

TsComet: a CppComet-compatible push server (WebSocket for browsers, CometQL over the MySQL
wire protocol for back ends).

  -c, --conf FILE   comet.ini to use (default: /etc/comet-server/comet.ini, then ./comet.ini)
  -h, --help        this text
  -v, --version     print the version

Signals: SIGTERM/SIGINT stop gracefully (storage flushed), SIGHUP re-reads the [log] levels.
`;
