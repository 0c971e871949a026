// The sender's live feed: the /feed namespace with stored events (replayed from `after`), presence and document
// status, all as they come off the domain bus.
import type { Feature } from '../feature-module.ts';
import { category } from '../logger.ts';
import { FeedHub } from './feed.ts';

export const feedModule: Feature = ({ io, logger, accounts, events, presence }) => {
  const feed = new FeedHub({ accounts, events, presence, logger: category(logger, 'realtime') });
  return {
    name: 'feed',
    namespace: feed.attach(io),
    subscriptions: {
      'event:stored': ({ senderId, event }) => feed.publish(senderId, event),
      'presence:changed': ({ senderId, kind, presence: p }) => feed.presenceChanged(senderId, kind, p),
      'document:updated': ({ senderId, document }) => feed.documentUpdated(senderId, document),
    },
  };
};
