// Hostile input: each string tries to run, inject or break something in some output. Markers are files a string
// would create if it ever ran as PowerShell; `window.__pwned` is what it would set if it ran in the report.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { okRecord } from '../../src/inventory/record.js';
import type { CollectorOutput, InventoryRecord } from '../../src/inventory/types.js';

export const markerFile = (dir: string, n: number) => join(dir, `PWNED-${n}`);

export function hostileStrings(markerDir: string): string[] {
  const m = (n: number) => markerFile(markerDir, n);
  return [
    `EX$(New-Item -ItemType File -Path '${m(1)}')`,
    `EX'; New-Item -ItemType File -Path '${m(2)}'; '`,
    `EX"; New-Item -ItemType File -Path "${m(3)}"; "`,
    'EX`$(New-Item -ItemType File -Path ' + `'${m(4)}')` + '`',
    `EX\u2019; New-Item -ItemType File -Path '${m(5)}'; \u2018`,
    `EX\nNew-Item -ItemType File -Path '${m(6)}'\n#`,
    `EX\r\n=cmd|' /C calc'!A0`,
    `=cmd|' /C calc'!A0`,
    ` =1+1`,
    `\t@SUM(1)`,
    `+HYPERLINK("http://evil")`,
    `-2+3`,
    `EX\u2028$(New-Item -ItemType File -Path '${m(7)}')\u0085`,
    `<script>window.__pwned=1</script>`,
    `</script><script>window.__pwned=2</script>`,
    `<img src=x onerror="window.__pwned=3">`,
    `"><svg onload=window.__pwned=4>`,
    `javascript:window.__pwned=5`,
    `--> <!-- x`,
    `{{constructor.constructor('window.__pwned=6')()}}`,
    `..\\..\\..\\Windows\\System32`,
    `../../etc/passwd`,
    `CON`,
    `#> $(New-Item -ItemType File -Path '${m(8)}') <#`,
    `a|b|c *x* _y_ [l](http://x) \`c\``,
    `ünïcödé 日本 📧 \u202eRTL`,
    `\u001b[31mred\u001b[0m`,
    // OSC 52 (sets the clipboard) and CSI 2J (clears the screen), as a drop file's computerName could carry them
    `EX\u001b]52;c;cHduZWQ=\u0007\u001b[2J\u009b31m`,
    `EX\u0000NUL`,
  ];
}

export const MARKERS = 8;

export function anyMarker(dir: string): string[] {
  return Array.from({ length: MARKERS }, (_, i) => markerFile(dir, i + 1)).filter(existsSync);
}

/** A collector document whose TLS 1.2 Server side is off, so every server gets a runbook with changes. */
export function collectorDoc(computerName: string): CollectorOutput {
  const doc = JSON.parse(readFileSync(join('test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8')) as CollectorOutput;
  doc.computerName = computerName;
  for (const p of doc.schannel.protocols) {
    if (p.protocol === 'TLS 1.2' && p.side === 'Server') p.enabled = { present: true, type: 'REG_DWORD', value: 0 };
  }
  return doc;
}

/** One ok record per name, with hostile (or benign) DAG and site names too. */
export function records(names: string[], groupNames: string[] = names): InventoryRecord[] {
  return names.map((name, i) =>
    okRecord(
      { name, address: name, transport: 'local', groups: { dag: `DAG ${groupNames[(i + 1) % groupNames.length]}`, site: groupNames[(i + 2) % groupNames.length]!, role: null } },
      collectorDoc(name),
      '2026-11-28T12:00:00.000Z',
      10,
    ),
  );
}

export function inventoryText(recs: InventoryRecord[]): string {
  return JSON.stringify({ schemaVersion: 1, tool: { name: 'extls', version: '0.1.0' }, createdAt: '2026-11-28T12:00:00.000Z', source: 'hostile', servers: recs, summary: { total: recs.length, ok: recs.filter((r) => r.status === 'ok').length, failed: recs.filter((r) => r.status !== 'ok').length } }, null, 2);
}
