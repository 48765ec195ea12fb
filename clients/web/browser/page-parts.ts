import { apiErrors } from '../../kit/api-errors';
import { createGatewayClient } from '../../kit/gateway-apollo-client';
import { countText, describeAccess, problemText, type AccessFacts, type Reader } from './wording';

/** What both pages share: the element lookups, the sign-in, the problem box and the access summary. */
export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

/** Apollo Client for the gateway named in the page, with the token the user pasted (kept in memory only). */
export function signedInClient(name: string, onSignedIn: () => void) {
  const gatewayUrl = document.querySelector<HTMLMetaElement>('meta[name="gateway-url"]')!.content;
  let token: string | null = null;
  const client = createGatewayClient({ url: gatewayUrl, token: () => token, name });
  element<HTMLFormElement>('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    token = element<HTMLTextAreaElement>('token').value.trim() || null;
    void client.clearStore().then(onSignedIn);
  });
  return client;
}

export function showProblem(error: unknown, reader: Reader): void {
  const box = element('problem');
  box.textContent =
    error === null
      ? ''
      : apiErrors(error)
          .map((e) => problemText(e, reader))
          .join(' ');
}

export function showAccess(access: AccessFacts, reader: Reader): void {
  const { summary, gaps } = describeAccess(access, reader);
  element('access-summary').textContent = summary;
  element('access-gaps').replaceChildren(
    ...gaps.map((gap) => {
      const item = document.createElement('li');
      item.textContent = gap;
      return item;
    }),
  );
  element('access').hidden = false;
}

export function paragraph(className: string, text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}

/** The count under a page of entries, and "more" when there is a next page: the button keeps where it starts. */
export function showPaging(shown: number, total: number, pageInfo: { hasNextPage: boolean; endCursor?: string | null }): void {
  element('record-status').textContent = countText(shown, total);
  const more = element<HTMLButtonElement>('more');
  more.hidden = !pageInfo.hasNextPage;
  more.dataset.after = pageInfo.endCursor ?? '';
  element('record').hidden = false;
}

/** "More" fetches the next page into the watched query, whose cache policy appends it to the list shown. */
export function fetchMoreOnClick(
  watched: () => { fetchMore(options: { variables: { after: string } }): Promise<unknown> } | null,
  reader: Reader,
): void {
  element<HTMLButtonElement>('more').addEventListener('click', (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    const query = watched();
    if (!query || !button.dataset.after) return;
    button.disabled = true;
    query
      .fetchMore({ variables: { after: button.dataset.after } })
      .catch((error: unknown) => showProblem(error, reader))
      .finally(() => {
        button.disabled = false;
      });
  });
}
