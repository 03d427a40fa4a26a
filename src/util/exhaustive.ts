/**
 * For the `default` branch of a switch over a contract's enum: the compiler rejects the call while any value is
 * unhandled, so a value added to a schema (a rule kind, a failure category) cannot be forgotten.
 */
export function unhandled(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
