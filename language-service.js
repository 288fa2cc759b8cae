module.exports = require('./dist/transformer/language-service.js');
