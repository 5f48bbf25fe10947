/** A list of public HMAC secrets and where they come from. */
export interface WeakSecretGroup {
  source: string;
  secrets: readonly string[];
}
