// comet.ini reader with CppComet's own rules (SERVER.md §1.2). The `ini` npm package cannot be
// used: it treats `;`/`#` only at line start or after whitespace, lower-cases nothing but parses
// `[]` suffixes on keys instead of `[]` value prefixes, and has no column-0 comment rule.

export interface IniSection {
  readonly values: Map<string, string>;
  /** `key = []value` lines, in file order; an empty value clears the list. */
  readonly lists: Map<string, string[]>;
}

export interface IniFile {
  readonly sections: Map<string, IniSection>;
  /** Human-readable notes about suspicious lines (line number included). */
  readonly warnings: string[];
}

function newSection(): IniSection {
  return { values: new Map(), lists: new Map() };
}

/** Parse comet.ini text. Never throws: odd lines become warnings, as upstream ignores them. */
export function parseIni(text: string): IniFile {
  const sections = new Map<string, IniSection>();
  const warnings: string[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // upstream chokes on a BOM; we strip it
  let current: IniSection | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.length === 0) continue;
    const first = line[0];
    if (first === ';' || first === '#') continue;
    if (first === '[') {
      const trimmedEnd = line.replace(/[ \t\r]+$/, '');
      if (trimmedEnd.endsWith(']')) {
        const name = trimmedEnd.slice(1, trimmedEnd.indexOf(']'));
        if (name !== name.trim()) warnings.push(`line ${lineNo}: section name "${name}" has spaces around it; it is used trimmed`);
        const key = name.trim();
        current = sections.get(key) ?? newSection();
        sections.set(key, current);
        continue;
      }
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || eq === line.length - 1) {
      if (line.trim().length > 0 && !/^\s*[;#]/.test(line)) warnings.push(`line ${lineNo}: not a section header nor a key = value line; ignored`);
      continue;
    }
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1);
    const cut = value.search(/[;#]/);
    if (cut >= 0) value = value.slice(0, cut);
    value = value.trim();
    if (current === null) {
      warnings.push(`line ${lineNo}: key "${key}" appears before any [section]; ignored`);
      continue;
    }
    if (value.startsWith('[]')) {
      const list = current.lists.get(key) ?? [];
      list.push(value.slice(2).trim());
      current.lists.set(key, list);
    } else if (value === '') {
      current.lists.delete(key);
    }
    current.values.set(key, value);
  }
  return { sections, warnings };
}
