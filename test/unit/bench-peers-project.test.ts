// `quench bench peers --save`: a peers report becomes runs of a project file
// that the workbench reads (parseProject), one experiment per case and two
// runs per row (Quench's and the peer's), told apart by env.backend.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { savePeersReport } from '../../src-main/cli/peers-save';
import { circuitKey } from '../../src-main/bench/peers';
import { compareRunGroups } from '../../src-shared/analysis/run-statistics';
import { parseProject } from '../../src-shared/project/schema';
import { peersReportFixture, PEERS_ENV } from '../fixtures/peers-report';

describe('bench peers --save', () => {
  const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quench-peers-')), 'peers.quench.json');

  it('creates a project with one experiment per case and Quench and the peer as two runs per row', async () => {
    const file = tmp();
    const report = peersReportFixture();
    const saved = await savePeersReport(file, report, PEERS_ENV);
    const p = parseProject(fs.readFileSync(file, 'utf8'), file);
    expect(saved.leftOut).toEqual(['gate u2q 20q (lightning): no OpenQASM 2.0 form for the case \'gate u2q\'']);
    const storedRows = report.rows.length - 1;
    expect(p.runs).toHaveLength(2 * storedRows);
    expect(new Set(p.runs.map((r) => r.id)).size).toBe(p.runs.length);
    expect(p.experiments.map((e) => e.kind).sort()).toEqual(['circuit', 'circuit', 'qaoa', 'qgan', 'qnn', 'qsvm', 'vqe']);
    const vqe = p.runs.filter((r) => r.experimentId === 'peers-vqe-energy-gradient-100-parameters');
    expect(vqe.map((r) => r.result!.env.backend).sort()).toEqual(['lightning 0.45.0', 'pennylane 0.45.1', 'quench native-avx2', 'quench native-avx2']);
    const lightning = vqe.find((r) => r.result!.env.backend === 'lightning 0.45.0')!;
    expect(lightning.result!.metrics).toEqual({ ms_per_evaluation: 0.7, ms_per_evaluation_min: 0.68, ms_per_evaluation_max: 0.75 });
    expect(lightning.result!.env.cpu).toBe(PEERS_ENV.cpu);
    expect(lightning.result!.details).toMatchObject({ peer: 'lightning', answersAgree: true, measured: 'lightning 0.45.0' });
    // the gate circuit is stored as the OpenQASM that was run
    const cz = p.experiments.find((e) => e.id === 'peers-gate-cz-20q')!;
    expect(cz.kind === 'circuit' && cz.params.qasm).toBe(report.circuits[circuitKey('gate cz', 20)]);
  });

  it('adds to an existing project without repeating its experiments, and Compare groups the runs by who ran them', async () => {
    const file = tmp();
    await savePeersReport(file, peersReportFixture(), PEERS_ENV);
    const again = await savePeersReport(file, peersReportFixture(), PEERS_ENV);
    expect(again.experiments).toBe(0);
    const p = parseProject(fs.readFileSync(file, 'utf8'), file);
    const qaoa = p.runs.filter((r) => r.experimentId.startsWith('peers-qaoa'));
    expect(qaoa).toHaveLength(4);
    const groups = compareRunGroups(qaoa);
    const labels = JSON.stringify(groups);
    expect(labels).toContain('quench native-avx2');
    expect(labels).toContain('lightning 0.45.0');
  });

  it('refuses a file that is not a project, and leaves it as it was', async () => {
    const file = tmp();
    fs.writeFileSync(file, '{"not": "a project"}');
    await expect(savePeersReport(file, peersReportFixture(), PEERS_ENV)).rejects.toThrow(/format must be 'quench-project'/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"not": "a project"}');
  });
});

