// Browser notifications (the Notification API) for live feed events, when the sender switched them on in
// Settings; the switch lives in this browser only. The sender's own and automated activity never notifies.

import type { ActivityEvent } from '../../server/realtime/protocol.ts';
import { actorOf, describeEvent } from './format.ts';

const KEY = 'pagetrail.browserNotifications';
const WORTH = new Set<ActivityEvent['type']>(['open', 'download', 'forward', 'reply', 'email_open', 'click']);

export const browserNotifications = {
  supported: () => typeof Notification !== 'undefined',
  enabled: () =>
    browserNotifications.supported() && localStorage.getItem(KEY) === 'on' && Notification.permission === 'granted',
  /** Asks for permission when switching on; resolves to the switch's new state. */
  async set(on: boolean): Promise<boolean> {
    if (!browserNotifications.supported()) return false;
    if (on && Notification.permission !== 'granted' && (await Notification.requestPermission()) !== 'granted') {
      localStorage.removeItem(KEY);
      return false;
    }
    if (on) localStorage.setItem(KEY, 'on');
    else localStorage.removeItem(KEY);
    return on;
  },
  show(event: ActivityEvent, documentName: string | null): void {
    if (!WORTH.has(event.type) || event.self || event.automated || !browserNotifications.enabled()) return;
    const text = describeEvent(event, documentName)
      .map((s) => s.text)
      .join('');
    try {
      new Notification(`${actorOf(event)} ${text}`.slice(0, 200), { tag: event.visitId ?? event.id });
    } catch {
      // Some browsers allow notifications only from a service worker: the feed still shows the event.
    }
  },
};
