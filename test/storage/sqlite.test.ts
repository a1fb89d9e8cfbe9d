import path from 'node:path'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { tempDir } from '../helpers/app.ts'
import { storageContract } from './contract.ts'
import { deliveryContract } from './contract-delivery.ts'
import { gaugesContract } from './contract-gauges.ts'
import { editorsContract } from './contract-editors.ts'
import { quarantineContract } from './contract-quarantine.ts'

const openSqlite = async () => {
  const tmp = await tempDir()
  return { storage: openSqliteStorage(path.join(tmp.dir, 'sub', 'nashra.db')), cleanup: tmp.remove }
}

storageContract('sqlite', openSqlite)
deliveryContract('sqlite', openSqlite)
gaugesContract('sqlite', openSqlite)
editorsContract('sqlite', openSqlite)
quarantineContract('sqlite', openSqlite)
