// Quick checks in the form; the core's answer (per-field errors) is the authority.
export interface SettingsDraft {
  bucket: string;
  accessToken: string;
  logBody: boolean;
  apiEndpoint: string;
  timeout: string;
  keepalive: string;
  redactCredentials: boolean;
}

export function checkDraft(d: SettingsDraft): Partial<Record<string, string>> {
  const errors: Partial<Record<string, string>> = {};
  const positiveInt = (v: string) => /^\d+$/.test(v.trim()) && Number(v) > 0;
  if (!positiveInt(d.timeout)) errors.timeout = 'timeout must be a positive integer (ms)';
  if (!positiveInt(d.keepalive)) errors.keepalive = 'keepalive must be a positive integer (ms)';
  try {
    const u = new URL(d.apiEndpoint);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    errors.api_endpoint = 'api_endpoint is not a url (expected http:// or https://)';
  }
  return errors;
}
