// Note text as people read it: mention tokens become "@Name" chips.
import { splitMentions } from './mentions';

export function MentionText({ text }: { text: string }) {
  return (
    <>
      {splitMentions(text).map((p, i) =>
        typeof p === 'string' ? (
          <span key={i}>{p}</span>
        ) : (
          <span key={i} className="mention" data-user-id={p.id}>
            @{p.label}
          </span>
        ),
      )}
    </>
  );
}
