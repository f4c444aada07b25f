import { describeTrainingJobs } from './training-jobs.suite';
import { redisTestEnv } from './redis-env';

const redis = redisTestEnv('jobs-bullmq');
afterAll(() => redis?.cleanup());

describeTrainingJobs('bullmq', () => redis && { ...redis.env, TRAINING_STALL_MS: '5000' });
