/** The provider console's addresses, in one place for routes and redirects. */
export const HOME = '/console/provider';
export const offerPath = (offerId: string) => `${HOME}/offers/${encodeURIComponent(offerId)}`;
export const applicationPath = (id: string) => `${HOME}/applications/${encodeURIComponent(id)}`;
