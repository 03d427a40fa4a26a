/**
 * The one order of server names everywhere (reports, runbooks, waves, CLI tables, plans): natural and
 * case-insensitive, so EX2 comes before EX10 and ex03 sits between EX02 and EX04.
 * One collator for every comparison: localeCompare with a locale or options builds a new collator per call
 * (docs/decisions/server-name-collator.md).
 */
export const byServerName: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true, sensitivity: 'accent' }).compare;
