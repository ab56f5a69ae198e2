// The `express4` alias (npm:express@4) has no types of its own; the tests drive it through the
// same API as Express 5, so it borrows Express's types.
declare module 'express4' {
  import express = require('express')
  export = express
}
