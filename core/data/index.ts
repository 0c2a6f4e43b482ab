/** Datasets (PTB-XL, CPSC 2018, CinC, hospital folders), splits and the cached signal store. */
export { classCounts, itemsOf, splitNames, type Dataset, type DatasetItem, type Split } from './types';
export { loadPtbxl, ptbxlSuperclasses, ptbxlTasks, type PtbxlOptions, type PtbxlTask } from './ptbxl';
export { loadCpsc, cpscClasses, type CpscOptions } from './cpsc';
export { loadCinc, cpscSnomedMapping, parseDxLine, readSnomedMapping, type CincOptions, type SnomedMapping } from './cinc';
export { loadHospital, type HospitalOptions } from './hospital';
export { hashString, patientSplit, stratifiedFolds } from './folds';
export { decodeRecordFiles, recordToLeadSignal } from './records';
export { SignalStore, splitAtCrop, type StoreOptions } from './store';
export { chunk, packChannelsLast, shuffledIndices } from './batches';
export { loadDataset, datasetKinds, type DatasetKind, type DatasetSpec } from './load';
