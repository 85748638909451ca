import { Page, type PageProps } from './page.js';

/** The page as hono/jsx output, for index.ts to send (kept apart so index.ts needs no JSX). */
export function renderPage(props: PageProps) {
  return <Page {...props} />;
}
