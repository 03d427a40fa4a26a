#!/usr/bin/env node
import { cliProcess } from '../dist/cli.js';

process.exitCode = await cliProcess(process.argv);
