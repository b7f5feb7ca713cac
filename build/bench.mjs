// `npm run bench`: speed and memory figures. The foundation has no import pipeline to measure yet;
// the data values work adds its benchmarks here (see the issues).
console.log('No benchmarks yet: they arrive with the data value import pipeline.');
