// Identifier and amount parsing on the paVerifyPaymentNotice / import paths. Link with
// benchmark::benchmark_main; Google Benchmark prints the machine context (CPUs, caches, load).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"
#include "domain/notice_number.hpp"

namespace incasso {
namespace {

void BM_Mod93CheckDigit(benchmark::State& state) {
  const std::string digits = "3012020000000031";
  for (auto _ : state) {
    benchmark::DoNotOptimize(Mod93CheckDigit(digits));
  }
}
BENCHMARK(BM_Mod93CheckDigit);

void BM_ParseNoticeNumber(benchmark::State& state) {
  std::vector<std::string> navs;
  for (std::uint64_t base = 1; base <= 1024; ++base) {
    navs.push_back(MakeNoticeNumberAux3("01", base * 7919).value().nav);
  }
  size_t i = 0;
  for (auto _ : state) {
    auto n = ParseNoticeNumber(navs[i++ & 1023]);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_ParseNoticeNumber);

void BM_ParseNoticeNumberRejected(benchmark::State& state) {
  for (auto _ : state) {
    auto n = ParseNoticeNumber("311111111112222222");
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_ParseNoticeNumberRejected);

void BM_MakeNoticeNumberAux3(benchmark::State& state) {
  std::uint64_t base = 0;
  for (auto _ : state) {
    auto n = MakeNoticeNumberAux3("01", base++);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_MakeNoticeNumberAux3);

void BM_ValidateIban(benchmark::State& state) {
  for (auto _ : state) {
    auto s = ValidateIban("IT60X0542811101000000123456", "iban");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_ValidateIban);

void BM_ValidatePersonalFiscalCode(benchmark::State& state) {
  for (auto _ : state) {
    auto s = ValidatePersonalFiscalCode("RSSMRA85T10A562S", "fiscalCode");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_ValidatePersonalFiscalCode);

void BM_ParseAmount(benchmark::State& state) {
  const std::vector<std::string> amounts = {"12", "12.3", "1234.56", "999999999.99"};
  size_t i = 0;
  for (auto _ : state) {
    auto a = ParseAmount(amounts[i++ & 3]);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_ParseAmount);

void BM_FormatAmountItalian(benchmark::State& state) {
  std::int64_t cents = 123'456'789;
  for (auto _ : state) {
    benchmark::DoNotOptimize(FormatAmountItalian(cents++));
  }
}
BENCHMARK(BM_FormatAmountItalian);

}  // namespace
}  // namespace incasso
