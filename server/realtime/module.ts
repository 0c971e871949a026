// The sender's live feed: the /feed namespace with stored events (replayed from `after`), presence and document
// status, all as they come off the domain bus.
import type { Feature } from '../feature-module.ts';
import { category } from '../logger.ts';
import { FeedHub } from './feed.ts';

export const feedModule: Feature = ({ config, io, logger, accounts, events, presence, relay }) => {
  const feed = new FeedHub({
    accounts,
    events,
    presence,
    logger: category(logger, 'realtime'),
    publicUrl: config.publicUrl,
    relay,
  });
  return {
    name: 'feed',
    namespace: feed.attach(io),
    subscriptions: {
      'event:stored': ({ senderId, event }) => feed.publish(senderId, event),
      'presence:changed': ({ senderId, kind, presence: p }) => feed.presenceChanged(senderId, kind, p),
      'document:updated': ({ senderId, document }) => feed.documentUpdated(senderId, document),
      // Signing out and revoking a token end the feeds opened with them at once.
      'session:ended': ({ senderId, sessionHash }) => feed.dropCredential(senderId, sessionHash),
      'token:revoked': ({ senderId, tokenId }) => feed.dropCredential(senderId, tokenId),
    },
  };
};
