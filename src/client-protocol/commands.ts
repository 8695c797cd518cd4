// Client frame text -> typed command (PROTOCOL.md §6.0): dispatch by prefix in upstream's order;
// the arguments start one byte after the command word; anything unknown closes the connection.

export type ClientCommand =
  | { readonly kind: 'subscription'; readonly args: string }
  | { readonly kind: 'user_status'; readonly userId: number | undefined }
  | { readonly kind: 'pipe_count'; readonly pipe: string; readonly marker: string }
  | { readonly kind: 'statistics' }
  | { readonly kind: 'web_pipe2'; readonly pipe: string; readonly event: string; readonly authType: string | undefined; readonly message: string }
  | { readonly kind: 'pipe_log'; readonly pipe: string; readonly marker: string }
  | { readonly kind: 'track_pipe_users'; readonly pipe: string; readonly marker: string }
  | { readonly kind: 'user_data'; readonly marker: string; readonly userId: number | undefined }
  | { readonly kind: 'cgi_call' }
  | { readonly kind: 'CometQL_call'; readonly marker: string }
  | { readonly kind: 'unknown' };

/** Upstream's dispatch order; `pipe_count` before `pipe_log` etc. matters only for prefixes. */
const COMMAND_WORDS = ['subscription', 'user_status', 'pipe_count', 'statistics', 'web_pipe2', 'pipe_log', 'track_pipe_users', 'user_data', 'cgi_call', 'CometQL_call'] as const;
type CommandWord = (typeof COMMAND_WORDS)[number];

const TRACK_TOKEN_MAX = 64;
const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** C `stoi`: leading whitespace, optional sign, digits; undefined when there are no digits or it overflows. */
export function cStoi(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > INT_MAX || n < INT_MIN ? undefined : n;
}

/** The text before the n-th LF-separated field boundary: fields(args, 2) -> [f0, f1]; missing ones are ''. */
function lfFields(args: string, count: number): string[] {
  const out: string[] = [];
  let start = 0;
  for (let k = 0; k < count; k++) {
    if (start > args.length) {
      out.push('');
      continue;
    }
    const lf = args.indexOf('\n', start);
    const end = lf === -1 ? args.length : lf;
    out.push(args.slice(start, end));
    start = end + 1;
  }
  return out;
}

/** `web_pipe2` LF pipe LF event LF auth_type LF message: auth_type is undefined unless one byte followed by LF. */
function parseWebPipe2(args: string): ClientCommand {
  const lf1 = args.indexOf('\n');
  const pipe = lf1 === -1 ? args : args.slice(0, lf1);
  const lf2 = lf1 === -1 ? -1 : args.indexOf('\n', lf1 + 1);
  const event = lf1 === -1 ? '' : args.slice(lf1 + 1, lf2 === -1 ? args.length : lf2);
  let authType: string | undefined;
  let message = '';
  if (lf2 !== -1) {
    const lf3 = args.indexOf('\n', lf2 + 1);
    const candidate = args.slice(lf2 + 1, lf3 === -1 ? args.length : lf3);
    if (lf3 !== -1 && candidate.length === 1 && candidate.charCodeAt(0) < 0x80) authType = candidate;
    if (lf3 !== -1) message = args.slice(lf3 + 1);
  }
  return { kind: 'web_pipe2', pipe, event, authType, message };
}

function parseTrackPipeUsers(args: string): ClientCommand {
  const tokens = args.split(/[ \t\n\v\f\r]+/).filter((t) => t.length > 0);
  const cut = (t: string | undefined) => (t ?? '').slice(0, TRACK_TOKEN_MAX);
  return { kind: 'track_pipe_users', pipe: cut(tokens[0]), marker: cut(tokens[1]) };
}

function build(word: CommandWord, args: string): ClientCommand {
  switch (word) {
    case 'subscription':
      return { kind: 'subscription', args };
    case 'user_status':
      return { kind: 'user_status', userId: cStoi(args) };
    case 'pipe_count': {
      const [pipe, marker] = lfFields(args, 2);
      return { kind: 'pipe_count', pipe, marker };
    }
    case 'statistics':
      return { kind: 'statistics' };
    case 'web_pipe2':
      return parseWebPipe2(args);
    case 'pipe_log': {
      const [pipe, marker] = lfFields(args, 2);
      return { kind: 'pipe_log', pipe, marker };
    }
    case 'track_pipe_users':
      return parseTrackPipeUsers(args);
    case 'user_data': {
      const [marker, id] = lfFields(args, 2);
      return { kind: 'user_data', marker, userId: cStoi(id) };
    }
    case 'cgi_call':
      return { kind: 'cgi_call' };
    case 'CometQL_call': {
      const [marker] = lfFields(args, 1);
      return { kind: 'CometQL_call', marker };
    }
  }
}

/** Parse one inbound frame. An embedded NUL ends the text, as upstream's C strings do. */
export function parseCommand(frame: string): ClientCommand {
  const nul = frame.indexOf('\0');
  const text = nul === -1 ? frame : frame.slice(0, nul);
  for (const word of COMMAND_WORDS) {
    if (text.startsWith(word)) return build(word, text.slice(word.length + 1));
  }
  return { kind: 'unknown' };
}
