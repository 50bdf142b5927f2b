import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation';

/**
 * The SDK server builds an Ajv instance in its constructor, and uses it only to check
 * elicitation results. Built per session, that was most of a restore's CPU time and of a
 * live session's heap; this one builds it on first use. It stays per session, since Ajv
 * keeps every schema it compiled.
 */
export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private validator?: AjvJsonSchemaValidator;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.validator ??= new AjvJsonSchemaValidator();
    return this.validator.getValidator<T>(schema);
  }
}
