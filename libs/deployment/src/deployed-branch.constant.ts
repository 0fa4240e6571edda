/** The branch whose head serves devices (commit = deploy, as in the original platform). */
export const DEPLOYED_BRANCH = 'main';
