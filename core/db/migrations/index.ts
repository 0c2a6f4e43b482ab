import { migration0001 } from './0001-records-and-audit';
import { migration0002 } from './0002-predictions-and-model-registry';
import { migration0003 } from './0003-audit-hash-chain';
import { migration0004 } from './0004-overreads';
import { migration0005 } from './0005-model-evaluations';
import { migration0006 } from './0006-pe-assessments';
import { migration0007 } from './0007-audit-attribution';
import { migration0009 } from './0009-device-measurements';
import { migration0010 } from './0010-prediction-calibration-note';
import { migration0011 } from './0011-fiducial-corrections';
import { migration0012 } from './0012-tracing-notes';
import { migration0013 } from './0013-evaluation-calibration';
import { migration0014 } from './0014-prediction-operating-target';
import { migration0015 } from './0015-evaluation-source-operating-point';
import { migration0016 } from './0016-evaluation-unreadable';
import { migration0017 } from './0017-clinical-rows-guarded';
import { migration0018 } from './0018-pe-heart-rate-source';
import type { Migration } from './types';

/** Every migration in order. Never edit one that has shipped: add the next number. */
export const migrations: readonly Migration[] = [
  migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014, migration0015, migration0016, migration0017, migration0018,
];
