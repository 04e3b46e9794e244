// The watched folders: their intake and their CDR pools and agent directories (enrichment),
// built for one set of folders and rebuilt together when the folders change.
import path from 'node:path';
import type { Destination } from '../destinations/destination.js';
import type { DiskSpace } from '../health/disk-space.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { createEnrichmentRegistry } from '../metadata/call-enrichment.js';
import type { Outbox } from '../outbox/outbox.js';
import { createIntake } from '../watch/intake.js';
import type { Settings } from './core-settings.js';

type Intake = ReturnType<typeof createIntake>;
type Enrichment = ReturnType<typeof createEnrichmentRegistry>;

export interface FolderIntake {
  /** The intake of the folders in effect now (replaced by rebuild). */
  intake(): Intake;
  enrichment(): Enrichment;
  /** New folders: the old intake and enrichment are closed, new ones built (and started if asked). */
  rebuild(start: boolean): Promise<void>;
  stopWaits(): void;
  closeIntake(): Promise<void>;
  closeEnrichment(): Promise<void>;
}

export function createFolderIntake(options: {
  settings: Settings;
  /** The config file: relative CDR and directory paths are read from beside it. */
  configFile: string;
  outbox: Outbox;
  getDestination(name: string): Destination | undefined;
  logger: Logger;
  clock: Clock;
  diskSpace: DiskSpace;
}): FolderIntake {
  const { settings, logger } = options;
  const newEnrichment = () =>
    createEnrichmentRegistry({
      globalAgents: settings.resolved().agents,
      baseDir: path.dirname(path.resolve(options.configFile)),
      logger: logger.child({ part: 'enrichment' }),
    });
  let enrichment = newEnrichment();
  const newIntake = () =>
    createIntake({
      folders: settings.resolved().folders,
      port: options.outbox,
      getDestination: options.getDestination,
      logger: logger.child({ part: 'watch' }),
      clock: options.clock,
      enrichmentFor: (folder) => enrichment.forFolder(folder),
      diskSpace: options.diskSpace,
    });
  let intake = newIntake();

  return {
    intake: () => intake,
    enrichment: () => enrichment,
    async rebuild(start) {
      enrichment.stopWaits();
      await intake.close();
      await enrichment.close();
      enrichment = newEnrichment();
      intake = newIntake();
      if (start) await intake.start();
    },
    stopWaits: () => enrichment.stopWaits(),
    closeIntake: () => intake.close(),
    closeEnrichment: () => enrichment.close(),
  };
}
