/** The non-owner role the service connects as in tests (cluster-wide; created by the migration). */
export const APP_ROLE = 'reachgraph_app';

/** The URL of the same database as the app role (trust auth on this machine). */
export function appRoleUrl(url: string): string {
  const u = new URL(url);
  u.username = APP_ROLE;
  u.password = '';
  return u.toString();
}
