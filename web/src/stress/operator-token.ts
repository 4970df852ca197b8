/** Where the operator token lives: this tab's sessionStorage, so it ends with the tab and is not shared between tabs. */
export const OPERATOR_TOKEN_KEY = "cloudcafe.operatorToken";

export type TokenStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface OperatorTokenStore {
  get(): string | undefined;
  /** Stores the trimmed token; a blank one forgets it. */
  set(token: string): void;
  clear(): void;
}

export function operatorTokenStore(storage: TokenStorage): OperatorTokenStore {
  return {
    get: () => storage.getItem(OPERATOR_TOKEN_KEY) ?? undefined,
    set(token) {
      const trimmed = token.trim();
      if (trimmed) storage.setItem(OPERATOR_TOKEN_KEY, trimmed);
      else storage.removeItem(OPERATOR_TOKEN_KEY);
    },
    clear: () => storage.removeItem(OPERATOR_TOKEN_KEY),
  };
}
