/**
 * The part of CloudWatch metric math the alarms use: numbers, metric ids, `+ - * /`, parentheses, unary minus and
 * `FILL(id, value)`. As in CloudWatch, a period where a metric has no datapoint has no result (unless FILL gives it
 * one), and so has a division by zero.
 */

type Node =
  | { kind: "number"; value: number }
  | { kind: "id"; id: string }
  | { kind: "fill"; operand: Node; value: number }
  | { kind: "negate"; operand: Node }
  | { kind: "binary"; operator: "+" | "-" | "*" | "/"; left: Node; right: Node };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw new Error(`Unexpected character at ${at} in "${expression}"`);
    tokens.push(match[1] ?? match[2] ?? match[3]!);
  }
  return tokens;
}

/** Parses an expression once; the result evaluates it for one period's metric values. */
export function parseMetricMath(expression: string): { ids: string[]; evaluate(values: Readonly<Record<string, number | undefined>>): number | undefined } {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`Expected ${expected ?? "more"} in "${expression}"`);
    return token;
  };
  const sum = (): Node => {
    let node = product();
    while (peek() === "+" || peek() === "-") node = { kind: "binary", operator: take() as "+" | "-", left: node, right: product() };
    return node;
  };
  const product = (): Node => {
    let node = factor();
    while (peek() === "*" || peek() === "/") node = { kind: "binary", operator: take() as "*" | "/", left: node, right: factor() };
    return node;
  };
  const factor = (): Node => {
    const token = take();
    if (token === "-") return { kind: "negate", operand: factor() };
    if (token === "(") {
      const inner = sum();
      take(")");
      return inner;
    }
    if (/^\d/.test(token)) return { kind: "number", value: Number(token) };
    if (token.toUpperCase() === "FILL" && peek() === "(") {
      take("(");
      const operand = sum();
      take(",");
      const value = Number(take());
      take(")");
      if (!Number.isFinite(value)) throw new Error(`FILL needs a number in "${expression}"`);
      return { kind: "fill", operand, value };
    }
    if (/^[A-Za-z_]/.test(token)) return { kind: "id", id: token };
    throw new Error(`Unexpected "${token}" in "${expression}"`);
  };
  const root = sum();
  if (position !== tokens.length) throw new Error(`Unexpected "${tokens[position]}" in "${expression}"`);

  const ids = new Set<string>();
  const collect = (node: Node): void => {
    if (node.kind === "id") ids.add(node.id);
    else if (node.kind === "fill" || node.kind === "negate") collect(node.operand);
    else if (node.kind === "binary") (collect(node.left), collect(node.right));
  };
  collect(root);

  const evaluate = (node: Node, values: Readonly<Record<string, number | undefined>>): number | undefined => {
    switch (node.kind) {
      case "number":
        return node.value;
      case "id":
        return values[node.id];
      case "fill":
        return evaluate(node.operand, values) ?? node.value;
      case "negate": {
        const operand = evaluate(node.operand, values);
        return operand === undefined ? undefined : -operand;
      }
      case "binary": {
        const left = evaluate(node.left, values);
        const right = evaluate(node.right, values);
        if (left === undefined || right === undefined) return undefined;
        if (node.operator === "/") return right === 0 ? undefined : left / right;
        return node.operator === "+" ? left + right : node.operator === "-" ? left - right : left * right;
      }
    }
  };
  return { ids: [...ids], evaluate: (values) => evaluate(root, values) };
}
