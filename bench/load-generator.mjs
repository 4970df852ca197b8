// autocannon in a plain Node process of its own (run by bench/http-load.ts): the load generator then neither shares
// an event loop with the bench nor runs under the tsx loader (which autocannon's promise API hangs under). Reads its
// options as JSON from argv[2]; a `bodyTemplate` has every `{i}` replaced by the request's number. Prints the result
// as one JSON line.
import autocannon from "autocannon";

const { bodyTemplate, ...options } = JSON.parse(process.argv[2]);
let i = 0;
const result = await autocannon({
  ...options,
  ...(bodyTemplate
    ? { requests: [{ method: options.method ?? "POST", setupRequest: (request) => ({ ...request, body: bodyTemplate.replaceAll("{i}", String(i++)) }) }] }
    : {}),
});
process.stdout.write(JSON.stringify(result) + "\n");
