// The signed-in app: top bar, the main pane (the page the hash names, through the one router) and the live side
// pane (Reading now + Activity). It owns the document store, the /feed socket and the uploads, all let go on
// unmount, which is what signing out does.

import { useState } from 'preact/hooks';
import { endpoints } from '../api.ts';
import { SidePane } from '../components/side-pane.tsx';
import { TopBar } from '../components/top-bar.tsx';
import { ActivityContext, ActivityHub } from '../hooks/use-activity.ts';
import { DocumentsContext, useDocumentStore } from '../hooks/use-documents.ts';
import { useLiveFeed } from '../hooks/use-live-feed.ts';
import { sectionOf, useRoute, type Route } from '../hooks/use-route.ts';
import { useUploads, type Uploads } from '../hooks/use-uploads.ts';
import { ComposePage } from './compose-page.tsx';
import { DocumentPage } from './document-page.tsx';
import { DocumentsPage } from './documents-page.tsx';
import { MailboxPage } from './mailbox-page.tsx';
import { MessagePage } from './message-page.tsx';
import { RecipientPage } from './recipient-page.tsx';
import { RecipientsPage } from './recipients-page.tsx';
import { SentPage } from './sent-page.tsx';
import { SettingsPage } from './settings-page.tsx';

export function App({ me, onSignedOut }: { me: { email: string }; onSignedOut: () => void }) {
  const store = useDocumentStore();
  const [hub] = useState(() => new ActivityHub());
  const live = useLiveFeed(store, hub, onSignedOut);
  const uploads = useUploads(store);
  const route = useRoute();
  const signOut = async () => {
    try {
      await endpoints.signOut();
    } catch {
      // Whether the session still holds is asked again on the way out.
    }
    // The next sign-in, perhaps of someone else, starts at the documents list.
    history.replaceState(null, '', location.pathname + location.search);
    onSignedOut();
  };
  return (
    <DocumentsContext.Provider value={store}>
      <ActivityContext.Provider value={hub}>
        <div class="app">
          <TopBar email={me.email} section={sectionOf(route)} onSignOut={signOut} />
          <div class="layout">
            <main class="main-pane" id="main">
              <MainPage route={route} uploads={uploads} />
            </main>
            <SidePane live={live} />
          </div>
        </div>
      </ActivityContext.Provider>
    </DocumentsContext.Provider>
  );
}

function MainPage({ route, uploads }: { route: Route; uploads: Uploads }) {
  switch (route.page) {
    case 'document':
      return <DocumentPage key={`document:${route.id}`} id={route.id} />;
    case 'recipients':
      return <RecipientsPage key="recipients" />;
    case 'recipient':
      return <RecipientPage key={`recipient:${route.address}`} address={route.address} />;
    case 'message':
      return <MessagePage key={`message:${route.id}`} id={route.id} />;
    case 'sent':
      return <SentPage key="sent" />;
    case 'compose':
      return <ComposePage key="compose" />;
    case 'settings':
      return <SettingsPage key="settings" />;
    case 'mailbox':
      return <MailboxPage key="mailbox" />;
    case 'documents':
      return <DocumentsPage key="documents" uploads={uploads} />;
  }
}
