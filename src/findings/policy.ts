// Policies are data (policies/*.json, schemas/policy.schema.json). Built-ins are found by id; anything else is a file.
import { existsSync } from 'node:fs';
import { FileReadError, readTextCheckedSync } from '../util/read-file.js';
import { join } from 'node:path';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { packageRoot } from '../util/paths.js';
import { UsageError } from '../util/errors.js';
import type { ExtlsPolicy, Rule } from '../contracts/policy.js';
import type { BlockerKind, Severity } from './types.js';

/** A policy file as written (schemas/policy.schema.json is its contract). */
type PolicyFile = ExtlsPolicy;
export type PolicyRule = Rule;

/** A policy with `extends` resolved and defaults filled in. */
export interface Policy {
  id: string;
  title: string;
  description: string;
  phase: number | null;
  failAt: Severity;
  blockers: BlockerKind[];
  /** undefined: the default (DEFAULT_FAILING_NOW_DAYS in rules-mail-flow.ts) */
  failingNowDays?: number;
  rules: PolicyRule[];
  source: string;
}

const policiesDir = join(packageRoot, 'policies');
const builtinPolicyIds = ['tls12-ready', 'legacy-off'] as const;

/** Two rules about the same setting: the later (the extending policy's) one wins. */
function ruleKey(r: PolicyRule): string {
  switch (r.rule) {
    case 'schannel-protocol': return `schannel:${r.protocol.toLowerCase()}`;
    case 'dotnet-value': return `dotnet:${r.name}`;
    default: return r.rule;
  }
}

export function validatePolicy(doc: unknown, where: string): PolicyFile {
  const validate = validatorFor<PolicyFile>('policy.schema.json');
  if (!validate(doc)) {
    throw new UsageError(`policy ${where} is invalid:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  }
  return doc;
}

function readPolicyFile(file: string): PolicyFile {
  let doc: unknown;
  try {
    doc = JSON.parse(readTextCheckedSync(file));
  } catch (err) {
    throw new UsageError(`policy ${file}: ${err instanceof FileReadError ? err.reason : err instanceof Error ? err.message : String(err)}`);
  }
  return validatePolicy(doc, file);
}

export function resolvePolicy(file: PolicyFile, source: string, seen: string[] = []): Policy {
  if (seen.includes(file.id)) throw new UsageError(`policy ${source}: "extends" loops through ${[...seen, file.id].join(' → ')}`);
  const rules = new Map<string, PolicyRule>();
  const blockers = new Set<BlockerKind>();
  for (const parentId of file.extends ?? []) {
    if (!(builtinPolicyIds as readonly string[]).includes(parentId)) {
      throw new UsageError(`policy ${source}: extends "${parentId}", which is not a built-in policy (${builtinPolicyIds.join(', ')})`);
    }
    const parent = resolvePolicy(readPolicyFile(join(policiesDir, `${parentId}.json`)), 'builtin', [...seen, file.id]);
    for (const r of parent.rules) rules.set(ruleKey(r), r);
    for (const b of parent.blockers) blockers.add(b);
  }
  for (const r of file.rules) {
    rules.delete(ruleKey(r)); // re-insert so the extending policy's order shows
    rules.set(ruleKey(r), r);
  }
  for (const b of file.blockers ?? []) blockers.add(b);
  return {
    id: file.id,
    title: file.title,
    description: file.description,
    phase: file.phase ?? null,
    failAt: file.failAt ?? 'medium',
    blockers: [...blockers],
    ...(file.failingNowDays !== undefined ? { failingNowDays: file.failingNowDays } : {}),
    rules: [...rules.values()],
    source,
  };
}

/** `tls12-ready`, `legacy-off` or a path to a JSON policy file. */
export function loadPolicy(spec: string): Policy {
  if ((builtinPolicyIds as readonly string[]).includes(spec)) {
    return resolvePolicy(readPolicyFile(join(policiesDir, `${spec}.json`)), 'builtin');
  }
  if (!existsSync(spec)) {
    throw new UsageError(`--policy ${spec}: not a built-in policy (${builtinPolicyIds.join(', ')}) and no such file`);
  }
  return resolvePolicy(readPolicyFile(spec), spec);
}
