// "Following": the merged feed of every record the user follows (their
// accounts and deals, the teams they are on, what they chose to follow).
import { Feed } from './Feed';

export function MyFeedPage() {
  return (
    <div className="page">
      <header className="page-head">
        <h1>Following</h1>
        <p className="muted">Changes, notes and team moves on the accounts and deals you own, work on or follow.</p>
      </header>
      <section className="card">
        <Feed path="/me/feed" queryKey={['my-feed']} showRecord empty="Nothing yet. Follow an account or a deal to see its changes here." />
      </section>
    </div>
  );
}
