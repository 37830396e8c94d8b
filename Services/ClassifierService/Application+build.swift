import AsyncHTTPClient
import ClassifierEngine
import Configuration
import Foundation
import Hummingbird
import Prometheus
import ServiceKit

func buildApplication(reader: ConfigReader, registry: PrometheusCollectorRegistry = .init()) async throws -> some ApplicationProtocol {
    let parts = ServiceParts(config: try ServiceConfig(service: .classifier, reader: reader), registry: registry)
    let classifier = try RuleClassifier.bundled()
    let llmConfig = LLMConfig(reader: reader)
    let llm = LLMClassifier(
        rules: classifier, client: llmConfig.apiKey.map { AnthropicClient(config: llmConfig, apiKey: $0, httpClient: .shared) },
        usage: UsageRepository(client: parts.postgres), limit: ConcurrencyLimit(llmConfig.maxConcurrency), config: llmConfig
    )
    let router = parts.makeRouter(isInternal: true)
    let templates = TemplateRepository(client: parts.postgres)
    ClassifyController(classifier: classifier, llm: llm, templates: templates).addRoutes(to: router)
    TemplatesController(repository: templates).addRoutes(to: router)
    RenderController(repository: templates).addRoutes(to: router)
    return parts.makeApplication(router: router, migrations: try Migration.bundled(in: .module))
}
