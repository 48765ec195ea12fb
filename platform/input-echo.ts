/**
 * graphql-js's input errors quote the value they refused ("Variable "$input" got invalid value
 * { nhsNumber: "999…", body: "…" }; …"), which for us is patient data, and suggest field
 * names ("Did you mean …?"), which the contract keeps from most roles. These keep what a
 * client needs to fix the request (the variable, the path, the rule broken).
 */

/** Drops the values a message quotes, for everyone; keeps the suggestions (schema names, never input). */
export function withoutQuotedValues(message: string): string {
  let safe = message;
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(safe);
  if (variable) {
    // The value sits between the prefix and the last "; "; our own reasons contain no "; ".
    const separator = safe.lastIndexOf('; ');
    const head = separator > 0 ? safe.slice(0, separator) : safe;
    const reason = separator > 0 ? safe.slice(separator + 2) : 'the value is not valid.';
    const path = / at "([\w$.[\]]+)"$/.exec(head);
    safe = `Variable "$${variable[1]}" got an invalid value${path ? ` at "${path[1]}"` : ''}; ${reason}`;
  }
  const literal = /^Expected value of type "([^"]+)", found /.exec(safe);
  if (literal) {
    const separator = safe.lastIndexOf('; ');
    safe = `Expected a value of type "${literal[1]}"${separator > 0 ? `; ${safe.slice(separator + 2)}` : '.'}`;
  }
  return safe
    .replace(/(cannot represent[^:;]*): [^;]*/g, '$1')
    .replace(/Value ".*" does not exist in "(\w+)" enum\./g, 'The value is not one of the "$1" enum.')
    .trim();
}

/** Drops graphql-js's "Did you mean …?", which names fields, arguments, types and enum values. */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '').trim();
}

/** Both: what every role but the Sandbox roles gets (and what a subgraph always sends). */
export function withoutInputValues(message: string): string {
  return withoutSuggestions(withoutQuotedValues(message));
}
