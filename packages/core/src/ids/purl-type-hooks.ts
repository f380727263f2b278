import { type PurlDraft, purlInvalid } from './purl-draft.js';

/**
 * Type rules the purl-spec definitions state only in prose (`note`, `normalization_rules`), so
 * they cannot be generated. Each runs on a draft whose generic case folding is already done.
 */
export const PURL_TYPE_HOOKS: Readonly<Record<string, (draft: PurlDraft) => void>> = {
  // "The name is the distribution name ... shall not contain the string '::'" (a module name).
  cpan(draft) {
    if (draft.name.includes('::')) {
      throw purlInvalid(`cpan name ${JSON.stringify(draft.name)} is a module name, not a distribution name`);
    }
  },
  // Namespace: "the url path to the git host"; name: "repository name with owner". The host is
  // the first path segment and everything after it is the name (`codeberg.org` + `forgejo/forgejo`).
  git(draft) {
    const path = [...draft.namespace, ...draft.name.split('/').filter((s) => s !== '')];
    if (path.length < 2) throw purlInvalid('a git purl needs a host and a repository path');
    draft.namespace = path.slice(0, 1);
    draft.name = path.slice(1).join('/');
  },
  // Databricks model names are case insensitive and lower-cased; Azure ML keeps the case as is.
  mlflow(draft) {
    const host = hostOf(draft.qualifiers.get('repository_url'));
    if (host !== null && /(^|\.)(azure)?databricks\.(com|net)$/.test(host))
      draft.name = draft.name.toLowerCase();
  },
  // normalization_rules: "Replace underscore _ with dash -" (the name is lower-cased already).
  pypi(draft) {
    draft.name = draft.name.replaceAll('_', '-');
  },
};

function hostOf(url: string | undefined): string | null {
  const m = url === undefined ? null : /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#:]+)/.exec(url);
  return m?.[1] ? m[1].toLowerCase() : null;
}
