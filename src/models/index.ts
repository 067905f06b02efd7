export * from './vgg19.js';
