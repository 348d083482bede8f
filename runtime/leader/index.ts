export { type LeaderHost, LeaderElection, leaderTopicName } from './leader-election.js';
