import { runService } from '../shared/http/lifecycle.ts'
import { envToCfg, readEnv } from './config.ts'
import { LabelerService } from './index.ts'

await runService('labeler', async () => {
  const { cfg, secrets } = envToCfg(readEnv())
  return await LabelerService.create(cfg, secrets)
})
