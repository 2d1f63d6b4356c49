// Follow / Following: followers are told when someone else changes the
// record, and it appears in their feed.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useToast } from '../components/Toast';
import { followKey, type FollowState } from './api';

export function FollowButton({ object, id }: { object: string; id: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const state = useQuery({
    queryKey: followKey(object, id),
    queryFn: ({ signal }) => api.get<FollowState>(`/${object}/${id}/follow`, undefined, signal),
  });
  const toggle = useMutation({
    mutationFn: (follow: boolean) =>
      follow ? api.post<FollowState>(`/${object}/${id}/follow`) : api.del<FollowState>(`/${object}/${id}/follow`),
    onSuccess: (s) => {
      qc.setQueryData(followKey(object, id), s);
      void qc.invalidateQueries({ queryKey: ['my-feed'] });
    },
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });
  if (!state.data) return null;
  const following = state.data.following;
  return (
    <button
      className={`btn sm ${following ? 'ghost following' : 'secondary'}`}
      aria-pressed={following}
      disabled={toggle.isPending}
      title={`${state.data.followers} follower${state.data.followers === 1 ? '' : 's'}`}
      onClick={() => toggle.mutate(!following)}
    >
      {following ? '✓ Following' : '+ Follow'}
    </button>
  );
}
