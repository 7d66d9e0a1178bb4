// Runtime configuration, read from the environment once and checked: a missing resource
// name fails loudly at cold start instead of surfacing as a confusing error later.

import { z } from 'zod';

const envSchema = z
  .object({
    TABLE_NAME: z.string().min(3),
    DYNAMODB_ENDPOINT: z.url().optional(),
    AWS_REGION: z.string().optional(),
    COMMAND_TRANSPORT: z.enum(['iot', 'mqtt']),
    IOT_DATA_ENDPOINT: z.string().optional(),
    MQTT_URL: z.string().optional(),
    STATE_MACHINE_ARN: z.string().optional(),
    SECRETS_PREFIX: z.string().optional(),
    SIGNAL_WORKER_FUNCTION: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.COMMAND_TRANSPORT === 'iot' && !env.IOT_DATA_ENDPOINT) {
      ctx.addIssue({ code: 'custom', path: ['IOT_DATA_ENDPOINT'], message: 'required for iot' });
    }
    if (env.COMMAND_TRANSPORT === 'mqtt' && !env.MQTT_URL) {
      ctx.addIssue({ code: 'custom', path: ['MQTT_URL'], message: 'required for mqtt' });
    }
  });

export type RuntimeConfig = z.infer<typeof envSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
