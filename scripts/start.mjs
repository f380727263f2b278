// Placeholder until the services exist: builds the workspace and reports what is available.
console.log('Stella Reach: services are not implemented yet; run `pnpm test` for the test suite.');
