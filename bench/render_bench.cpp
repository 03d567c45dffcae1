// Payment notice rendering (src/render): single-page notices per second, and a 10,000-notice bulk
// run into one streamed PDF with the resident set size (getrusage maxrss) before and after.
//   build/release/bench/render_bench
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <thread>

#include "domain/notice_number.hpp"
#include "render/pdf_renderer.hpp"
#include "render/samples.hpp"

namespace {

using namespace incasso;

long MaxRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void BM_SingleNotice(benchmark::State& state) {
  auto renderer = render::NewPdfRenderer();
  NoticeDocument d = render::samples::Single();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = renderer->RenderNotice(d);
    if (!pdf.ok()) state.SkipWithError(pdf.error().ToText().c_str());
    bytes = pdf->size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["notices/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
  state.SetLabel(renderer->FontFamily());
}
BENCHMARK(BM_SingleNotice)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PostalNotice(benchmark::State& state) {
  auto renderer = render::NewPdfRenderer();
  NoticeDocument d = render::samples::WithPostal(render::samples::Single());
  for (auto _ : state) benchmark::DoNotOptimize(renderer->RenderNotice(d));
  state.counters["notices/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PostalNotice)->Unit(benchmark::kMillisecond)->UseRealTime();

// 10,000 distinct notices into one merged PDF written to /dev/null-like sink: RSS must not grow
// with the number of notices.
void BM_Bulk10k(benchmark::State& state) {
  auto renderer = render::NewPdfRenderer();
  for (auto _ : state) {
    const long before = MaxRssKb();
    std::size_t bytes = 0;
    auto book = renderer->StartBook(
        [&bytes](std::string_view b) {
          bytes += b.size();
          return Ok();
        },
        render::samples::Single().created_at);
    long at_1000 = 0;
    for (int i = 0; i < 10000; ++i) {
      NoticeDocument d = render::samples::Single();
      d.single->notice_number =
          MakeNoticeNumberAux3("07", 1000 + static_cast<std::uint64_t>(i))->nav;
      d.recipient.full_name = "Destinatario " + std::to_string(i);
      if (!(*book)->Add(d).ok()) state.SkipWithError("add failed");
      if (i == 999) at_1000 = MaxRssKb();
    }
    if (!(*book)->Finish().ok()) state.SkipWithError("finish failed");
    const long after = MaxRssKb();
    state.counters["maxrss_before_kb"] = static_cast<double>(before);
    state.counters["maxrss_at_1000_kb"] = static_cast<double>(at_1000);
    state.counters["maxrss_after_kb"] = static_cast<double>(after);
    state.counters["pdf_mb"] = static_cast<double>(bytes) / 1e6;
  }
  state.counters["notices/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 10000,
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Bulk10k)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  std::printf("machine: %u hardware threads\n", std::thread::hardware_concurrency());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
