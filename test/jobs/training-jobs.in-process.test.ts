import { describeTrainingJobs } from './training-jobs.suite';

// Without REDIS_URL: the embedded default, jobs run by the server's in-process runner.
describeTrainingJobs('in-process', () => ({}));
